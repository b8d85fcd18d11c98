'use strict';

// Minimal Backstage backend for callboard's integration tests.
//
// Started by start.sh as `node backend.js --config <runtime app-config.yaml>`.
// The config loader of @backstage/backend-defaults reads the `--config`
// arguments from process.argv itself.

const { createBackend } = require('@backstage/backend-defaults');
const { createBackendModule } = require('@backstage/backend-plugin-api');
const {
  catalogLocationsExtensionPoint,
} = require('@backstage/plugin-catalog-node');

// The catalog only accepts `url` locations through POST /api/catalog/locations
// unless told otherwise. Tests register `file` locations at runtime, so allow
// both types.
const catalogModuleAllowFileLocations = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'callboard-allow-file-locations',
  register(reg) {
    reg.registerInit({
      deps: { locations: catalogLocationsExtensionPoint },
      async init({ locations }) {
        locations.setAllowedLocationTypes(['url', 'file']);
      },
    });
  },
});

const backend = createBackend();

backend.add(require('@backstage/plugin-catalog-backend'));
backend.add(
  require('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(catalogModuleAllowFileLocations);
backend.add(require('@backstage/plugin-scaffolder-backend'));
backend.add(require('@backstage/plugin-search-backend'));
backend.add(require('@backstage/plugin-search-backend-module-catalog'));
backend.add(require('@backstage/plugin-techdocs-backend'));

backend.start().catch(err => {
  // eslint-disable-next-line no-console
  console.error('callboard test backend failed to start:', err);
  process.exit(1);
});
