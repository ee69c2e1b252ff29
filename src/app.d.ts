import type { App as KanbridgeApp } from '../server/app';

declare global {
  namespace App {
    interface Locals {
      app: KanbridgeApp;
    }
    interface Error {
      message: string;
      code?: string;
    }
  }
}

export {};
