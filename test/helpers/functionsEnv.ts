/**
 * Imported FIRST by the tests that load the Azure entry point (functions/index.ts): it reads its settings
 * when loaded (functions/runtime.ts), and FEDLINK_WORK_URL is required there (docs/adr/0008-work-store.md),
 * so these tests give it one, as infra/modules/app.bicep does. Nothing is contacted at load time: the
 * store is built with the activities' dependencies, on first use.
 */
export const TEST_WORK_URL = 'https://stfedlinktest.blob.core.windows.net/fedlink-work';

process.env['FEDLINK_WORK_URL'] ??= TEST_WORK_URL;
