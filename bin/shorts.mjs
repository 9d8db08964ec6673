#!/usr/bin/env node
// Launcher for the `shorts` CLI: runs bin/shorts.ts through tsx on Node 22+.
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  console.error(`shorts needs Node 22 or newer (this is ${process.version}). Run it with npx from the project, which uses the project's Node: npm run setup && npx shorts …`);
  process.exit(2);
}
const { register } = await import('tsx/esm/api');
register();
await import('./shorts.ts');
