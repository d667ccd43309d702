/**
 * Places on a grid of latitude/longitude cells at four sizes, so that a search reads the spaces of
 * the cells around a circle with indexed `in` queries, then keeps those within the radius by
 * great-circle distance: all the cells at once (coverOf: the finest level covering the circle in
 * at most 120 cells), or the smallest cells nearest first (ringsOf), so that the nearest spaces of
 * a dense city are found without reading the whole circle.
 */

export const CELL_LEVELS = [
  { field: 'cellTiny', degrees: 0.01 },
  { field: 'cellFine', degrees: 0.1 },
  { field: 'cellMid', degrees: 1 },
  { field: 'cellWide', degrees: 10 },
] as const;

export type CellField = (typeof CELL_LEVELS)[number]['field'];

const EARTH_RADIUS_KM = 6371.0088;
const KM_PER_DEGREE = (Math.PI * EARTH_RADIUS_KM) / 180;
/** coverOf reads the finest level whose cover of the circle has at most this many cells. */
const MAX_CELLS = 120;
/** ringsOf walks the finest level whose cover has at most this many cells, in groups of at most MAX_GROUP (the store's `in` limit). */
const MAX_RING_CELLS = 4000;
const FIRST_GROUP = 16;
const MAX_GROUP = 1000;

interface Cell {
  row: number;
  column: number;
}

function rowOf(latitude: number, degrees: number): number {
  return Math.min(Math.floor((latitude + 90) / degrees), Math.round(180 / degrees) - 1);
}

function columnOf(longitude: number, degrees: number): number {
  const columns = Math.round(360 / degrees);
  return ((Math.floor((longitude + 180) / degrees) % columns) + columns) % columns;
}

/** The key of a cell of one level: `row:column`. */
function key({ row, column }: Cell): string {
  return `${row}:${column}`;
}

/** The space's cell at every level, by field. */
export function cellsOf(latitude: number, longitude: number): Record<CellField, string> {
  const cells = {} as Record<CellField, string>;
  for (const { field, degrees } of CELL_LEVELS) cells[field] = key({ row: rowOf(latitude, degrees), column: columnOf(longitude, degrees) });
  return cells;
}

/** The cells of the finest level that cover the circle in at most MAX_CELLS cells (the widest level always does). */
export function coverOf(latitude: number, longitude: number, radiusKm: number): { field: CellField; cells: string[] } {
  const { field, cells } = finestCover(latitude, longitude, radiusKm, MAX_CELLS);
  return { field, cells: cells.map(key) };
}

/**
 * The cells of the finest level covering the circle in at most 4000 cells, those that reach into
 * it only, nearest first, in groups (16, then twice as many each time, at most 1000): each group
 * with `beyondKm`, a lower bound of the distance of every place in the groups after it.
 */
export function ringsOf(latitude: number, longitude: number, radiusKm: number): { field: CellField; groups: Array<{ cells: string[]; beyondKm: number }> } {
  const { field, degrees, cells, polar } = finestCover(latitude, longitude, radiusKm, MAX_RING_CELLS);
  // Around a pole, clamping to a cell's bounds is no nearest point: every cell is read, nothing settles before the last group.
  const near = cells
    .map((cell) => ({ cell, km: polar ? 0 : nearestKm(latitude, longitude, cell, degrees) }))
    .filter(({ km }) => km <= radiusKm)
    .sort((one, other) => one.km - other.km);
  const groups: Array<{ cells: string[]; beyondKm: number }> = [];
  for (let start = 0, size = FIRST_GROUP; start < near.length; start += size, size = Math.min(size * 2, MAX_GROUP)) {
    const next = near[start + size];
    // A cell's nearest point by clamping is within metres of the true one for these sizes: keep a margin.
    groups.push({ cells: near.slice(start, start + size).map(({ cell }) => key(cell)), beyondKm: next === undefined ? Infinity : next.km * 0.99 - 0.01 });
  }
  return { field, groups };
}

function finestCover(latitude: number, longitude: number, radiusKm: number, maxCells: number): { field: CellField; degrees: number; cells: Cell[]; polar: boolean } {
  for (const { field, degrees } of CELL_LEVELS) {
    const { rows, columns, polar } = coverSpans(latitude, longitude, radiusKm, degrees);
    if (rows.length * columns.length <= maxCells || field === 'cellWide') return { field, degrees, cells: rows.flatMap((row) => columns.map((column) => ({ row, column }))), polar };
  }
  throw new Error('unreachable: the widest level covers any circle');
}

/** The distance to the cell's nearest point (its bounds clamped to the point). */
function nearestKm(latitude: number, longitude: number, { row, column }: Cell, degrees: number): number {
  const south = row * degrees - 90;
  const west = column * degrees - 180;
  const clampedLatitude = Math.min(Math.max(latitude, south), south + degrees);
  const east = (((longitude - west) % 360) + 360) % 360; // eastwards from the cell's west edge
  const clampedLongitude = east <= degrees ? longitude : east - degrees < 360 - east ? west + degrees : west;
  return distanceKm(latitude, longitude, clampedLatitude, clampedLongitude);
}

/** The rows and columns of a level's cells that cover the circle's bounding box (every column near a pole). */
function coverSpans(latitude: number, longitude: number, radiusKm: number, degrees: number): { rows: number[]; columns: number[]; polar: boolean } {
  const latitudeSpan = radiusKm / KM_PER_DEGREE;
  const south = Math.max(-90, latitude - latitudeSpan);
  const north = Math.min(90, latitude + latitudeSpan);
  const widest = Math.max(Math.abs(south), Math.abs(north));
  const longitudeSpan = widest >= 89.9 ? 180 : radiusKm / (KM_PER_DEGREE * Math.cos((widest * Math.PI) / 180));
  const columnCount = Math.round(360 / degrees);
  const first = rowOf(south, degrees);
  const rows = Array.from({ length: rowOf(north, degrees) - first + 1 }, (_, step) => first + step);
  if (longitudeSpan >= 180) return { rows, columns: Array.from({ length: columnCount }, (_, column) => column), polar: true };
  return { rows, columns: spanOf(columnOf(longitude - longitudeSpan, degrees), columnOf(longitude + longitudeSpan, degrees), columnCount), polar: false };
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
