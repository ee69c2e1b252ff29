import type { App as KanbridgeApp } from '../server/app';
import type { Principal } from './lib/auth/types';
import type { Viewer } from '$lib/components/account/viewer';

declare global {
  namespace App {
    interface Locals {
      app: KanbridgeApp;
      /** Who is asking (set in hooks.server.ts). */
      principal: Principal;
      /** Who page actions act as, in events. */
      actor: { id: string; name: string };
    }
    interface PageData {
      /** Who is looking, loaded by the root layout for every page. */
      viewer: Viewer;
    }
    interface Error {
      message: string;
      code?: string;
    }
  }
}

export {};
