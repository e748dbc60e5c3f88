/** What `column -t` prints for rows of cells: columns padded to their widest cell, two spaces apart. */
export function columnT(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows
    .map((row) =>
      row.every((c) => c === '')
        ? ''
        : row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  '),
    )
    .join('\n')
    .concat('\n');
}
