/** IPC channel names shared by main and preload; the page never sees them. */
export const IPC_INVOKE = 'comptoir:invoke';
export const IPC_EVENT = 'comptoir:event';
export const IPC_SAVE_AS = 'comptoir:save-as';
