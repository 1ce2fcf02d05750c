#!/usr/bin/env bash
# Starts the playground Strapi app with this plugin on SQLite: admin at http://localhost:${PORT:-1337}/admin.
# PORT and DATABASE_FILENAME (default playground/.tmp/data.db) come from the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/strapi ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm_config_nodedir=${npm_config_nodedir:-/usr} npm ci --no-audit --no-fund
fi
npx strapi-plugin build
npm run -s build:playground
cd playground
exec ../node_modules/.bin/strapi start
