#!/usr/bin/env node
// Rewrites package.json's server settings from `remedy config-schema --format vscode` (the
// server's CONFIG_SCHEMA), keeping the extension's own settings. Usage: npm run sync-schema
// [-- path/to/remedy]. A Rust test (server/src/cli/schema.rs) fails when the two drift.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const binary = process.argv[2] || process.env.REMEDY || 'remedy';
const schema = JSON.parse(execFileSync(binary, ['config-schema', '--format', 'vscode'], { encoding: 'utf8' }));
const packagePath = path.join(__dirname, '..', 'package.json');
const packageJson = JSON.parse(fs.readFileSync(packagePath, 'utf8'));
const properties = packageJson.contributes.configuration.properties;
const extensionOnly = ['remedy.server.path', 'remedy.trace.server'];
const merged = { ...schema };
for (const name of extensionOnly) {
  merged[name] = properties[name];
}
packageJson.contributes.configuration.properties = merged;
fs.writeFileSync(packagePath, JSON.stringify(packageJson, null, 2) + '\n');
console.log(`package.json: ${Object.keys(schema).length} server settings from ${binary}`);
