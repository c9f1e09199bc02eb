// Builds the UI into dist/: one hashed JS bundle and one hashed CSS file under dist/assets/,
// each with .gz and .br siblings, an index.html that loads them, and .uiversion.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist/assets', { recursive: true });

const result = await esbuild.build({
  entryPoints: ['src/main.jsx'],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: 'dist/assets',
  entryNames: '[name]-[hash]',
  legalComments: 'none',
  define: { __UI_VERSION__: JSON.stringify(pkg.version) },
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs);
const js = outputs.find((file) => file.endsWith('.js'));
const css = outputs.find((file) => file.endsWith('.css'));
let totalGzip = 0;
for (const file of [js, css]) {
  const raw = readFileSync(file);
  const gz = gzipSync(raw, { level: 9 });
  writeFileSync(`${file}.gz`, gz);
  writeFileSync(`${file}.br`, brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  totalGzip += gz.length;
  console.log(`${file}: ${(raw.length / 1024).toFixed(1)} KB, ${(gz.length / 1024).toFixed(1)} KB gzipped`);
}
console.log(`JS+CSS gzipped: ${(totalGzip / 1024).toFixed(1)} KB (target < 150 KB)`);

const icon =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='6' fill='%23159957'/%3E%3Cpath d='M6 22l7-8 5 5 8-10' stroke='white' stroke-width='3' fill='none'/%3E%3C/svg%3E";
const index = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>ftserver</title>
<link rel="icon" href="${icon}">
<link rel="stylesheet" href="/assets/${basename(css)}">
<script type="module" src="/assets/${basename(js)}"></script>
</head>
<body><div id="app"></div></body>
</html>
`;
writeFileSync('dist/index.html', index);
writeFileSync('dist/.uiversion', `${pkg.version}\n`);
const digest = createHash('sha256').update(index).digest('hex').slice(0, 12);
console.log(`dist/index.html written (${digest})`);
