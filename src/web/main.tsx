// The dashboard's entry: styles, the stored theme, and the app.
import { render } from 'preact';
import { App } from './app';
import './styles.css';
import { applyStoredTheme } from './theme';

applyStoredTheme();
render(<App />, document.getElementById('app')!);
