import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import { usePage } from '../page-context';

/** The table every chart carries for people who cannot see it (and for copying the figures). */
export interface ChartTable {
  /** Column headers: the category's, then one per value column. */
  headers: string[];
  /** One row per category: its label, then the formatted values. */
  rows: { label: string; values: string[] }[];
}

interface ChartFrameProps {
  title: string;
  description: string;
  width: number;
  height: number;
  table: ChartTable;
  /** Above the SVG (a line chart's legend). */
  legend?: ComponentChildren;
  /** The SVG's content. */
  children: ComponentChildren;
}

/**
 * A chart as a figure: a visible caption, the SVG (role img, named by the caption and described by
 * `description`), and its data in a table inside <details> that opens without JavaScript.
 */
export function ChartFrame({ title, description, width, height, table, legend, children }: ChartFrameProps) {
  const { t } = usePage();
  const id = useId();
  const ids = { title: `${id}-title`, description: `${id}-desc` };
  return (
    <figure class="chart">
      <figcaption id={ids.title}>{title}</figcaption>
      {legend}
      <svg
        class="chart__svg"
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby={ids.title}
        aria-describedby={ids.description}
        xmlns="http://www.w3.org/2000/svg"
      >
        <desc id={ids.description}>{description}</desc>
        {children}
      </svg>
      <details>
        <summary>{t.charts.dataTable}</summary>
        <div class="table-scroll">
          <table>
            <caption>{title}</caption>
            <thead>
              <tr>
                {table.headers.map((header, index) => (
                  <th scope="col" class={index === 0 ? undefined : 'number'} key={index}>
                    {header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((row, index) => (
                <tr key={index}>
                  <th scope="row">{row.label}</th>
                  {row.values.map((value, column) => (
                    <td class="number" key={column}>
                      {value}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

/** Numbers as the page's language writes them (1,234.5 / 1234,5). */
export function useNumberFormat(format?: (value: number) => string): (value: number) => string {
  const { locale } = usePage();
  if (format) return format;
  const formatter = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  return (value) => formatter.format(value);
}
