import './styles.css';
import { start } from './start.tsx';

const container = document.getElementById('root');
if (container) void start(container);
