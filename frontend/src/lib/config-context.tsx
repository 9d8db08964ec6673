import { createContext, useContext } from 'react';
import type { RuntimeConfig } from '../config.js';

export const ConfigContext = createContext<RuntimeConfig>({ mode: 'local', apiBaseUrl: '' });

export const useConfig = () => useContext(ConfigContext);
