export * from '../../src/lib/auth/constants';
