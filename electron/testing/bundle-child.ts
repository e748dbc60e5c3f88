import { build } from 'esbuild';

/**
 * Bundle a TypeScript entry of a test child into one ESM file for plain `node` (it starts much faster than a
 * TypeScript loader, and needs no node_modules beside it).
 */
export async function bundleChild(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    banner: {
      js: "import { createRequire as __qsCreateRequire } from 'node:module'; const require = __qsCreateRequire(import.meta.url);",
    },
  });
  return outfile;
}
