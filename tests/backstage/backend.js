'use strict';

// Minimal Backstage backend for callboard's integration tests.
//
// Started by start.sh as `node backend.js --config <runtime app-config.yaml>`.
// The config loader of @backstage/backend-defaults reads the `--config`
// arguments from process.argv itself.

const { createBackend } = require('@backstage/backend-defaults');
const {
  coreServices,
  createBackendModule,
} = require('@backstage/backend-plugin-api');
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

// Entities that disappear from their source file are only orphaned by the
// processing loop; the catalog deletes orphans in its own scheduled task
// `catalog_orphan_cleanup`, which runs every 30 s and has no config knob.
// For tests we want deletions to show up within seconds, so this module
// triggers that task every second. Its own 1 s cadence also makes the
// catalog's task poller check for due tasks every second.
const catalogModuleFastOrphanCleanup = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'callboard-fast-orphan-cleanup',
  register(reg) {
    reg.registerInit({
      deps: {
        scheduler: coreServices.scheduler,
        logger: coreServices.logger,
      },
      async init({ scheduler, logger }) {
        await scheduler.scheduleTask({
          id: 'callboard_trigger_orphan_cleanup',
          frequency: { seconds: 1 },
          timeout: { seconds: 30 },
          fn: async () => {
            try {
              await scheduler.triggerTask('catalog_orphan_cleanup');
            } catch (error) {
              // ConflictError: already running; NotFoundError: the catalog
              // has not registered it yet. Both are fine.
              if (error?.name !== 'ConflictError' && error?.name !== 'NotFoundError') {
                logger.warn(`Could not trigger orphan cleanup: ${error}`);
              }
            }
          },
        });
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
backend.add(catalogModuleFastOrphanCleanup);
backend.add(require('@backstage/plugin-scaffolder-backend'));
backend.add(require('@backstage/plugin-search-backend'));
backend.add(require('@backstage/plugin-search-backend-module-catalog'));
backend.add(require('@backstage/plugin-techdocs-backend'));

backend.start().catch(err => {
  // eslint-disable-next-line no-console
  console.error('callboard test backend failed to start:', err);
  process.exit(1);
});
