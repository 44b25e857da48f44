// Types for electron-vite's import suffixes (`./x?modulePath`) in the main process build.
/// <reference types="electron-vite/node" />
