/**
 * Places on a grid of latitude/longitude cells at three sizes, so that a search reads the spaces
 * of the few cells around a circle with one indexed `in` (at most a few hundred cell keys), then
 * keeps those within the radius by great-circle distance.
 */

export const CELL_LEVELS = [
  { field: 'cellFine', degrees: 0.1 },
  { field: 'cellMid', degrees: 1 },
  { field: 'cellWide', degrees: 10 },
] as const;

export type CellField = (typeof CELL_LEVELS)[number]['field'];

const EARTH_RADIUS_KM = 6371.0088;
const KM_PER_DEGREE = (Math.PI * EARTH_RADIUS_KM) / 180;
/** The finest level whose cover of the circle has at most this many cells is read. */
const MAX_CELLS = 120;

function rowOf(latitude: number, degrees: number): number {
  return Math.min(Math.floor((latitude + 90) / degrees), Math.round(180 / degrees) - 1);
}

function columnOf(longitude: number, degrees: number): number {
  const columns = Math.round(360 / degrees);
  return ((Math.floor((longitude + 180) / degrees) % columns) + columns) % columns;
}

/** The key of a cell of one level: `row:column`. */
function key(row: number, column: number): string {
  return `${row}:${column}`;
}

/** The space's cell at every level, by field. */
export function cellsOf(latitude: number, longitude: number): Record<CellField, string> {
  const cells = {} as Record<CellField, string>;
  for (const { field, degrees } of CELL_LEVELS) cells[field] = key(rowOf(latitude, degrees), columnOf(longitude, degrees));
  return cells;
}

/** The cells of the finest level that cover the circle in at most MAX_CELLS cells (the widest level always does). */
export function coverOf(latitude: number, longitude: number, radiusKm: number): { field: CellField; cells: string[] } {
  for (const { field, degrees } of CELL_LEVELS) {
    const cells = cover(latitude, longitude, radiusKm, degrees);
    if (cells.length <= MAX_CELLS || field === 'cellWide') return { field, cells };
  }
  throw new Error('unreachable: the widest level covers any circle');
}

function cover(latitude: number, longitude: number, radiusKm: number, degrees: number): string[] {
  const latitudeSpan = radiusKm / KM_PER_DEGREE;
  const south = Math.max(-90, latitude - latitudeSpan);
  const north = Math.min(90, latitude + latitudeSpan);
  const widest = Math.max(Math.abs(south), Math.abs(north));
  const longitudeSpan = widest >= 89.9 ? 180 : radiusKm / (KM_PER_DEGREE * Math.cos((widest * Math.PI) / 180));
  const columns = Math.round(360 / degrees);
  const columnRange =
    longitudeSpan >= 180
      ? Array.from({ length: columns }, (_, column) => column)
      : spanOf(columnOf(longitude - longitudeSpan, degrees), columnOf(longitude + longitudeSpan, degrees), columns);
  const cells: string[] = [];
  for (let row = rowOf(south, degrees); row <= rowOf(north, degrees); row += 1) {
    for (const column of columnRange) cells.push(key(row, column));
  }
  return cells;
}

/** Columns from `first` to `last` eastwards, across the antimeridian when last < first. */
function spanOf(first: number, last: number, columns: number): number[] {
  const count = (((last - first) % columns) + columns) % columns;
  return Array.from({ length: count + 1 }, (_, step) => (first + step) % columns);
}

/** Great-circle (haversine) distance in km. */
export function distanceKm(fromLatitude: number, fromLongitude: number, toLatitude: number, toLongitude: number): number {
  const radians = Math.PI / 180;
  const dLatitude = (toLatitude - fromLatitude) * radians;
  const dLongitude = (toLongitude - fromLongitude) * radians;
  const a = Math.sin(dLatitude / 2) ** 2 + Math.cos(fromLatitude * radians) * Math.cos(toLatitude * radians) * Math.sin(dLongitude / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}
