import type { ComponentChildren } from 'preact';

export interface Column {
  label: string;
  /** Right-aligned, tabular figures. */
  numeric?: boolean;
}

/**
 * A table headed by `columns`, in a box that scrolls sideways on a phone. `labelledBy` (the id of
 * its heading) makes the box a focusable region: needed when no link or button inside can take
 * the focus to scroll it (axe: scrollable-region-focusable).
 */
export function ScrollTable({ columns, labelledBy, children }: { columns: Column[]; labelledBy?: string; children: ComponentChildren }) {
  const focusable = labelledBy !== undefined;
  return (
    <div class="table-scroll" role={focusable ? 'region' : undefined} aria-labelledby={labelledBy} tabindex={focusable ? 0 : undefined}>
      <table>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" class={column.numeric ? 'number' : undefined} key={column.label}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
