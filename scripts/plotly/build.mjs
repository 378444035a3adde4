// Bundles index-partial.js with esbuild, mirroring the settings of
// plotly.js's own build (esbuild-config.js + tasks/util/bundle_wrapper.mjs
// + tasks/compress_attributes.js, which the npm package does not ship).
// Usage: node build.mjs <outfile>
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const outfile = process.argv[2];
if (!outfile) throw new Error('usage: node build.mjs <outfile>');

const plotlyPkgPath = require.resolve('plotly.js/package.json');
const plotlyDir = path.dirname(plotlyPkgPath);
const plotlySrc = path.join(plotlyDir, 'src') + path.sep;
const { version } = JSON.parse(fs.readFileSync(plotlyPkgPath, 'utf8'));

// Licence banner: taken verbatim from the header of the package's own
// dist/plotly.min.js (so the copyright years are fixed by the pinned
// version, not by today's date), with the bundle name added the same way
// plotly.js's partial_bundle task does it.
const distHeader = fs.readFileSync(path.join(plotlyDir, 'dist', 'plotly.min.js'), 'utf8');
const banner = distHeader.slice(0, distHeader.indexOf('*/') + 2)
    .replace('plotly.js v', 'plotly.js (partial: bar, scatter - minified) v');
if (!banner.startsWith('/**') || !banner.includes('MIT license') || !banner.includes(version)) {
    throw new Error('unexpected licence header in plotly.js dist:\n' + banner);
}

// Same regexes as plotly.js tasks/compress_attributes.js: strip attribute
// meta data (descriptions etc.) that is only needed for the schema/docs.
const WS = '\\s*';
const COMMA = ',?';
const re = (s) => new RegExp(WS + s + COMMA, 'g');
const str = (a) => re(a + ": '.*'");
const joined = (a) => re(a + ': \\[[\\s\\S]*?\\]' + '\\.join\\([\\s\\S]*?\\)');
const arr = (a) => re(a + ': \\[[\\s\\S]*?\\]');
const stripRegexes = [
    str('description'), joined('description'),
    arr('requiredOpts'), arr('otherOpts'),
    str('role'), str('hrName')
];
const stripMeta = {
    name: 'strip-meta-attributes',
    setup(b) {
        b.onLoad({ filter: /\.js$/ }, async (args) => {
            if (!args.path.startsWith(plotlySrc)) return undefined; // plotly.js/src only
            let c = await fs.promises.readFile(args.path, 'utf8');
            for (const r of stripRegexes) c = c.replace(r, '');
            return { contents: c, loader: 'js' };
        });
    }
};

const result = await build({
    entryPoints: ['index-partial.js'],
    outfile,
    bundle: true,
    format: 'iife',
    globalName: 'Plotly',
    minify: true,
    sourcemap: false,
    target: 'es2016',
    charset: 'utf8',
    legalComments: 'eof',
    banner: { js: banner },
    footer: { js: 'window.Plotly = Plotly;' },
    plugins: [stripMeta],
    // maplibre-gl CSS is only required for the `map` subplot, which is not
    // in this bundle; the require() is static, so give it an empty module.
    loader: { '.css': 'empty' },
    alias: { regl: '@plotly/regl' },
    define: {
        global: 'window',
        'define.amd': 'false',
        'process.env.NODE_DEBUG': 'false'
    },
    metafile: !!process.env.PLOTLY_META,
    logLevel: 'warning'
});
// PLOTLY_META=1 ./build.sh  -> also print which inputs take the most bytes
if (result.metafile) console.log(await (await import('esbuild')).analyzeMetafile(result.metafile));
