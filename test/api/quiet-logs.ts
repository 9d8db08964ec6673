// Imported first by the API tests: the Powertools logger reads its level when its module loads.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
