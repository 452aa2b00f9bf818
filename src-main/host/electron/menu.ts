import type { MenuItemConstructorOptions } from 'electron';

/*
 * The native menu is drawn by the OS, not by React, so it cannot use the
 * renderer's i18n: a tiny label table keyed on the system locale instead.
 * Only a type is imported from electron, so this stays testable under Node.
 */

export type MenuLabels = {
  file: string;
  quit: string;
  edit: string;
  undo: string;
  redo: string;
  cut: string;
  copy: string;
  paste: string;
  selectAll: string;
  view: string;
  reload: string;
  devTools: string;
  zoomIn: string;
  zoomOut: string;
  resetZoom: string;
  fullScreen: string;
  help: string;
  about: string;
};

const en: MenuLabels = {
  file: 'File',
  quit: 'Quit',
  edit: 'Edit',
  undo: 'Undo',
  redo: 'Redo',
  cut: 'Cut',
  copy: 'Copy',
  paste: 'Paste',
  selectAll: 'Select All',
  view: 'View',
  reload: 'Reload',
  devTools: 'Toggle Developer Tools',
  zoomIn: 'Zoom In',
  zoomOut: 'Zoom Out',
  resetZoom: 'Actual Size',
  fullScreen: 'Toggle Full Screen',
  help: 'Help',
  about: 'About Comptoir',
};

const fr: MenuLabels = {
  file: 'Fichier',
  quit: 'Quitter',
  edit: 'Édition',
  undo: 'Annuler',
  redo: 'Rétablir',
  cut: 'Couper',
  copy: 'Copier',
  paste: 'Coller',
  selectAll: 'Tout sélectionner',
  view: 'Affichage',
  reload: 'Recharger',
  devTools: 'Outils de développement',
  zoomIn: 'Zoom avant',
  zoomOut: 'Zoom arrière',
  resetZoom: 'Taille réelle',
  fullScreen: 'Plein écran',
  help: 'Aide',
  about: 'À propos de Comptoir',
};

/** French for any fr-* locale (fr, fr-FR, fr-BE, fr_CA …), English otherwise. */
export const menuLabels = (locale: string): MenuLabels => (locale.toLowerCase().startsWith('fr') ? fr : en);

export type MenuOptions = {
  locale: string;
  platform: NodeJS.Platform;
  /** Reload and developer tools only exist in development builds. */
  isPackaged: boolean;
  onAbout: () => void;
};

export const menuTemplate = ({ locale, platform, isPackaged, onAbout }: MenuOptions): MenuItemConstructorOptions[] => {
  const l = menuLabels(locale);
  // Alt-key mnemonics exist on Windows and Linux only; macOS would show the ampersand.
  const top = (label: string): string => (platform === 'darwin' ? label : `&${label}`);
  const devItems: MenuItemConstructorOptions[] = isPackaged
    ? []
    : [{ role: 'reload', label: l.reload }, { role: 'toggleDevTools', label: l.devTools }, { type: 'separator' }];
  const template: MenuItemConstructorOptions[] = [
    { label: top(l.file), submenu: [{ role: 'quit', label: l.quit }] },
    {
      label: top(l.edit),
      submenu: [
        { role: 'undo', label: l.undo },
        { role: 'redo', label: l.redo },
        { type: 'separator' },
        { role: 'cut', label: l.cut },
        { role: 'copy', label: l.copy },
        { role: 'paste', label: l.paste },
        { role: 'selectAll', label: l.selectAll },
      ],
    },
    {
      label: top(l.view),
      submenu: [
        ...devItems,
        // Zoom is an accessibility need at the counter, not a developer tool.
        { role: 'resetZoom', label: l.resetZoom },
        { role: 'zoomIn', label: l.zoomIn },
        { role: 'zoomOut', label: l.zoomOut },
        { type: 'separator' },
        { role: 'togglefullscreen', label: l.fullScreen },
      ],
    },
    { label: top(l.help), role: 'help', submenu: [{ label: l.about, click: onAbout }] },
  ];
  // macOS puts Quit and About under the application menu; without it Cmd+Q has no home.
  return platform === 'darwin' ? [{ role: 'appMenu' }, ...template] : template;
};
