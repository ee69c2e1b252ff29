export * from './schemas';
export * from './wire';
export * from './board-json';
