import fc from 'fast-check';
import { cellsOf, coverOf, distanceKm, ringsOf } from './geo';

/** A circle anywhere (antimeridian and poles included), and a point within it. */
const circleAndPoint = fc
  .record({
    latitude: fc.double({ min: -89.9, max: 89.9, noNaN: true }),
    longitude: fc.double({ min: -180, max: 179.999, noNaN: true }),
    radiusKm: fc.double({ min: 0.1, max: 500, noNaN: true }),
    fraction: fc.double({ min: 0, max: 1, noNaN: true }),
    bearing: fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
  })
  .map(({ latitude, longitude, radiusKm, fraction, bearing }) => ({ latitude, longitude, radiusKm, point: destination(latitude, longitude, radiusKm * fraction * 0.999, bearing) }));

describe('search grid cells (search/geo.ts)', () => {
  it('measures great-circle distances (Madrid–Barcelona ≈ 505 km)', () => {
    expect(distanceKm(40.4168, -3.7038, 41.3874, 2.1686)).toBeCloseTo(505, -1);
    expect(distanceKm(10, 20, 10, 20)).toBe(0);
  });

  it('covers a 25 km circle with fine cells and a 500 km one with coarser cells, at most 120 of them', () => {
    expect(coverOf(40.42, -3.7, 25)).toMatchObject({ field: 'cellFine' });
    const wide = coverOf(60, 10, 500);
    expect(wide.field).not.toBe('cellFine');
    expect(wide.cells.length).toBeLessThanOrEqual(120);
  });

  it('covers the cell of every point within the radius, across the antimeridian and near the poles', () => {
    fc.assert(
      fc.property(circleAndPoint, ({ latitude, longitude, radiusKm, point }) => {
          const { field, cells } = coverOf(latitude, longitude, radiusKm);
          expect(cells).toContain(cellsOf(point.latitude, point.longitude)[field]);
      }),
      { numRuns: 2000 },
    );
  });

  it('walks the cells nearest first: a point within the radius is in a group, farther than every earlier group\'s bound', () => {
    fc.assert(
      fc.property(circleAndPoint, ({ latitude, longitude, radiusKm, point }) => {
          const { field, groups } = ringsOf(latitude, longitude, radiusKm);
          const at = groups.findIndex(({ cells }) => cells.includes(cellsOf(point.latitude, point.longitude)[field]));
          expect(at).toBeGreaterThanOrEqual(0);
          const km = distanceKm(latitude, longitude, point.latitude, point.longitude);
          for (const earlier of groups.slice(0, at)) expect(km).toBeGreaterThanOrEqual(earlier.beyondKm);
          expect(groups.every(({ cells }) => cells.length <= 1000)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('walks a 25 km circle in 0.01° cells, 16 first', () => {
    const { field, groups } = ringsOf(40.42, -3.7, 25);
    expect(field).toBe('cellTiny');
    expect(groups[0]!.cells).toHaveLength(16);
    expect(groups[0]!.cells).toContain(cellsOf(40.42, -3.7).cellTiny);
    expect(groups.at(-1)!.beyondKm).toBe(Infinity);
  });
});

/** The point `km` away from a start on a bearing (radians from north). */
function destination(latitude: number, longitude: number, km: number, bearing: number) {
  const radians = Math.PI / 180;
  const angular = km / 6371.0088;
  const lat1 = latitude * radians;
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(angular) + Math.cos(lat1) * Math.sin(angular) * Math.cos(bearing));
  const lon2 = longitude * radians + Math.atan2(Math.sin(bearing) * Math.sin(angular) * Math.cos(lat1), Math.cos(angular) - Math.sin(lat1) * Math.sin(lat2));
  return { latitude: lat2 / radians, longitude: ((((lon2 / radians + 180) % 360) + 360) % 360) - 180 };
}
