// Runs in the renderer. Path data of the app's line icons (24-unit grid, stroked with currentColor).

/** Icon path data by name. */
export const ICON_PATHS = {
  open: 'M3.5 7.5a2 2 0 0 1 2-2h3.7l2 2h7.3a2 2 0 0 1 2 2v7.5a2 2 0 0 1-2 2h-13a2 2 0 0 1-2-2z',
  export: 'M12 15V3.5M7.5 8 12 3.5 16.5 8M5 14v4.5a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V14',
  image: 'M4 5.5h16v13H4zM4 15.5l4.5-4.5 4 4 2.5-2.5 5 5M15.5 8.5h.01',
  undo: 'M9 13.5 4.5 9 9 4.5M4.5 9h9.5a5.5 5.5 0 0 1 0 11H11',
  redo: 'M15 13.5 19.5 9 15 4.5M19.5 9H10a5.5 5.5 0 0 0 0 11h3',
  'zoom-in': 'M10.5 4a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM20 20l-4.8-4.8M10.5 8v5M8 10.5h5',
  'zoom-out': 'M10.5 4a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM20 20l-4.8-4.8M8 10.5h5',
  fit: 'M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5',
  split: 'M12 3v18M4.5 5.5h15v13h-15z',
  sun: 'M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM12 2.5v2M12 19.5v2M4.6 4.6 6 6M18 18l1.4 1.4M2.5 12h2M19.5 12h2M4.6 19.4 6 18M18 6l1.4-1.4',
  moon: 'M19.5 14.5A8 8 0 0 1 9.5 4.5a8 8 0 1 0 10 10z',
  system: 'M3.5 5h17v11h-17zM9 20h6M12 16v4',
  close: 'M6 6l12 12M18 6 6 18',
  plus: 'M12 5v14M5 12h14',
  save: 'M5 4h11.5L19 6.5V20H5zM8 4v5h7V4M8 20v-6h8v6',
  load: 'M13.5 3.5H6.5a1 1 0 0 0-1 1v15a1 1 0 0 0 1 1h11a1 1 0 0 0 1-1V8.5zM13.5 3.5v5h5M12 17.5v-6M9.5 14l2.5-2.5 2.5 2.5',
  alert: 'M12 4 2.8 19.5h18.4zM12 10v4.5M12 17.2v.3',
  info: 'M12 3.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17zM12 11v5.5M12 7.8v.3',
  play: 'M8 5.5v13l10.5-6.5z',
  search: 'M10.5 4a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM20 20l-4.8-4.8',
  reset: 'M4.5 12a7.5 7.5 0 1 0 2.3-5.4M4.5 4v4.5H9',
  check: 'M5 12.5 10 17.5 19 7',
  layers: 'M12 4 3.5 8.5 12 13l8.5-4.5zM3.5 12.5 12 17l8.5-4.5M3.5 16.5 12 21l8.5-4.5',
  grid: 'M4 4h16v16H4zM4 9.3h16M4 14.7h16M9.3 4v16M14.7 4v16',
  sample: 'M5 4.5h14v15H5zM5 15l4-4 3.5 3.5L15 12l4 4',
  logo: 'M4 4h16v16H4zM4 9.3h16M4 14.7h16M9.3 4v16M14.7 4v16'
} as const

/** Icon names AppIcon knows. */
export type IconName = keyof typeof ICON_PATHS
