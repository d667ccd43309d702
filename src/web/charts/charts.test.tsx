import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { messagesFor, type Locale } from '../i18n';
import { PageContext } from '../page-context';
import { BarChart } from './bar-chart';
import { LineChart } from './line-chart';
import { niceScale } from './scale';

function render(children: ComponentChildren, locale: Locale = 'en'): string {
  const page = { locale, t: messagesFor(locale), path: '/', languageLinks: { en: '/?lang=en', es: '/?lang=es' } };
  return renderToString(<PageContext.Provider value={page}>{children}</PageContext.Provider>);
}

function count(html: string, pattern: RegExp): number {
  return html.match(new RegExp(pattern, 'g'))?.length ?? 0;
}

describe('niceScale', () => {
  it('spans the values and zero with round ticks', () => {
    expect(niceScale([3, 97])).toEqual({ min: 0, max: 100, ticks: [0, 20, 40, 60, 80, 100] });
    expect(niceScale([-12, 1250])).toEqual({ min: -500, max: 1500, ticks: [-500, 0, 500, 1000, 1500] });
    expect(niceScale([0.1, 0.3])).toEqual({ min: 0, max: 0.3, ticks: [0, 0.1, 0.2, 0.3] });
  });

  it('gives an empty or all-zero series the axis 0..1', () => {
    expect(niceScale([])).toEqual({ min: 0, max: 1, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] });
    expect(niceScale([0, 0]).max).toBe(1);
  });

  it('refuses values that are not finite numbers', () => {
    expect(() => niceScale([1, Number.NaN])).toThrow('A chart value must be a finite number, not NaN');
    expect(() => niceScale([Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });

  it('keeps few ticks for huge and tiny ranges', () => {
    expect(niceScale([1e15]).ticks.length).toBeLessThanOrEqual(11);
    expect(niceScale([1e-9]).ticks.length).toBeLessThanOrEqual(11);
  });
});

describe('BarChart', () => {
  const chart = (
    <BarChart
      title="Statements by verb"
      description="Completed leads."
      categoryHeader="Verb"
      valueHeader="Statements"
      data={[
        { label: 'completed', value: 1250.5 },
        { label: 'attempted', value: 830 },
      ]}
    />
  );

  it('is an SVG image named by its caption and described, with one bar per value', () => {
    const html = render(chart);
    const caption = /<figcaption id="([^"]+)">Statements by verb<\/figcaption>/.exec(html);
    expect(caption).not.toBeNull();
    const description = /<desc id="([^"]+)">Completed leads.<\/desc>/.exec(html);
    expect(html).toContain(`role="img" aria-labelledby="${caption![1]}" aria-describedby="${description![1]}"`);
    expect(count(html, /<rect class="chart__bar"/)).toBe(2);
  });

  it('draws bars in proportion to their values', () => {
    const widths = [...render(chart).matchAll(/<rect class="chart__bar" x="0" y="\d+" width="([\d.]+)"/g)].map((match) => Number(match[1]));
    expect(widths).toHaveLength(2);
    expect(widths[0] / widths[1]).toBeCloseTo(1250.5 / 830, 2);
  });

  it('carries its data in a table, numbers written as the page’s language writes them', () => {
    expect(render(chart)).toContain('<tr><th scope="row">completed</th><td class="number">1,250.5</td></tr>');
    const spanish = render(chart, 'es');
    expect(spanish).toContain('<summary>Tabla de datos</summary>');
    expect(spanish).toContain('<tr><th scope="row">completed</th><td class="number">1250,5</td></tr>');
  });

  it('gives two charts on one page distinct ids', () => {
    const html = render(
      <>
        {chart}
        {chart}
      </>,
    );
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((match) => match[1]);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
  });

  it('reaches axisMax when the data stays below it (scores out of 100)', () => {
    const html = render(<BarChart title="Styles" description="Visual leads." categoryHeader="Style" valueHeader="Score" data={[{ label: 'visual', value: 72 }]} axisMax={100} />);
    expect(html).toContain('>100</text>');
    expect(html).not.toContain('>120</text>');
  });

  it('draws a negative bar left of the zero line', () => {
    const html = render(<BarChart title="t" description="d" categoryHeader="c" valueHeader="v" data={[{ label: 'loss', value: -5 }, { label: 'gain', value: 10 }]} />);
    const zero = Number(/<line class="chart__axis" x1="([\d.]+)"/.exec(html)![1]);
    const [loss] = [...html.matchAll(/<rect class="chart__bar" x="([\d.]+)" y="\d+" width="([\d.]+)"/g)];
    expect(Number(loss[1]) + Number(loss[2])).toBeCloseTo(zero, 1);
  });
});

describe('LineChart', () => {
  const props = { title: 'Per day', description: 'Growing.', labelHeader: 'Day', labels: ['Mon', 'Tue', 'Wed'] };

  it('draws one polyline with one point per label for each series, and a legend for several', () => {
    const html = render(
      <LineChart
        {...props}
        series={[
          { name: 'stored', values: [1, 2, 3] },
          { name: 'voided', values: [0, 1, 0] },
        ]}
      />,
    );
    expect(count(html, /<polyline class="chart__line chart__series-\d"/)).toBe(2);
    expect(count(html, /<circle class="chart__point/)).toBe(6);
    expect(html).toContain('<ul class="chart__legend">');
    expect(html).toContain('<tr><th scope="row">Tue</th><td class="number">2</td><td class="number">1</td></tr>');
  });

  it('ends its last axis label at its point, so a long one stays inside the chart', () => {
    const html = render(<LineChart {...props} labels={['1 Mar 2026', '2 Mar 2026']} series={[{ name: 'score', values: [1, 2] }]} />);
    expect(html).toMatch(/text-anchor="middle">1 Mar 2026</);
    expect(html).toMatch(/text-anchor="end">2 Mar 2026</);
  });

  it('puts higher values higher', () => {
    const html = render(<LineChart {...props} series={[{ name: 'stored', values: [1, 5, 3] }]} />);
    const points = /points="([^"]+)"/.exec(html)![1].split(' ').map((point) => Number(point.split(',')[1]));
    expect(points[1]).toBeLessThan(points[2]);
    expect(points[2]).toBeLessThan(points[0]);
    expect(html).not.toContain('chart__legend');
  });

  it('refuses a series whose values do not match the labels, or too many series', () => {
    expect(() => render(<LineChart {...props} series={[{ name: 'short', values: [1] }]} />)).toThrow(
      'Series "short" has 1 values for 3 labels',
    );
    const many = Array.from({ length: 7 }, (_, index) => ({ name: `s${index}`, values: [1, 2, 3] }));
    expect(() => render(<LineChart {...props} series={many} />)).toThrow('A line chart draws at most 6 series, not 7');
  });
});
