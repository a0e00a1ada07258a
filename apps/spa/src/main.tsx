// First, before any schema exists: the SPA's CSP forbids eval, so zod must not probe for it (see the module).
import '@gatehouse/shared/strict-csp';
import './styles.css';
import { start } from './start.tsx';

const container = document.getElementById('root');
if (container) void start(container);
