/** Settings forms send who is acting, as the board's own forms do (see BoardCreateForm). */
import type { SubmitFunction } from '@sveltejs/kit';
import type { IdentityStore } from '$lib/sync/identity.svelte';

export function withIdentity(identity: IdentityStore, busy: (on: boolean) => void): SubmitFunction {
  return ({ formData }) => {
    busy(true);
    const me = identity.load();
    formData.set('actorName', me.name);
    formData.set('actorId', me.clientId);
    return async ({ update }) => {
      await update({ reset: false });
      busy(false);
    };
  };
}
