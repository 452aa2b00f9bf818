export type Shortcut = 'search' | 'newContact';

type KeyInfo = Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'altKey'>;

/**
 * Global shortcuts. Letters with Ctrl are matched on `key` (AZERTY puts letters
 * elsewhere); Alt+N on `code` because macOS turns Alt+N into a dead key.
 * Ctrl+N cannot be caught in a browser tab, hence Alt+N as well.
 */
export const shortcutFor = (event: KeyInfo, typing: boolean): Shortcut | null => {
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  if (mod && !event.altKey && key === 'k') return 'search';
  if (!mod && !event.altKey && event.key === '/' && !typing) return 'search';
  if (mod && !event.altKey && key === 'n') return 'newContact';
  if (event.altKey && !mod && event.code === 'KeyN') return 'newContact';
  return null;
};

export const isTypingTarget = (target: EventTarget | null): boolean => {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
};
