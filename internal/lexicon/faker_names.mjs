// Prints, as JSON, the first names of every locale of the npm package
// @faker-js/faker (MIT), for generate.py --faker. Run it in the folder
// where the package was unpacked (npm pack @faker-js/faker, tar xzf):
//
//     node faker_names.mjs package/dist/locale > faker-first-names.json
import fs from 'fs';
import path from 'path';

const dir = path.resolve(process.argv[2]);
const out = {};
for (const f of fs.readdirSync(dir).sort()) {
  if (!f.endsWith('.js') || f.includes('-')) continue;
  const m = await import(path.join(dir, f));
  const faker = m.faker || m[Object.keys(m).find((k) => k.startsWith('faker'))];
  const first = (faker?.rawDefinitions || faker?.definitions)?.person?.first_name;
  if (!first) continue;
  const names = new Set();
  for (const k of ['generic', 'female', 'male']) for (const n of first[k] || []) names.add(n);
  out[f.replace(/\.js$/, '')] = [...names].sort();
}
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
