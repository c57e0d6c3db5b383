import { providerCommand } from './_provider-command.js';

export default providerCommand('new', 'Another agent session with a different provider (only while no agent runs here)');
