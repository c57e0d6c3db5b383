import { providerCommand } from './_provider-command.js';

export default providerCommand('switch', 'Detach the running agent and start or resume another provider here');
