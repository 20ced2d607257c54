export { openDatabase, type Database, type OpenOptions } from './database.js';
export { loadMigrations, migrate, type Migration } from './migrate.js';
