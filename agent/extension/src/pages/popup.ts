// The extension's page (toolbar popup and options page): the disclosure, and the agent's
// state as the service worker publishes it — including "not configured", so IT can see at
// a glance why a browser is not reporting. Everything shown is set with textContent.
import { STORAGE, type AgentStatus } from '../common/keys.ts';

const PHASE_TEXT: Record<AgentStatus['phase'], string> = {
  unconfigured: 'Not configured — nothing is being monitored or sent',
  connecting: 'Connecting to the school’s Vigil server…',
  connected: 'Connected to the school’s Vigil server',
  offline: 'Offline — anything flagged is kept and sent when the server is reachable',
  refused: 'Refused by the school’s Vigil server',
};

function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`popup.html has no #${id}`);
  return el;
}

function render(status: AgentStatus | undefined): void {
  const phase = byId('phase');
  phase.className = `phase ${status?.phase ?? ''}`;
  phase.textContent = status === undefined ? 'Starting…' : PHASE_TEXT[status.phase];
  byId('detail').textContent = status?.detail ?? '';
  byId('unconfigured-help').hidden = status?.phase !== 'unconfigured';
  const facts = byId('facts');
  facts.replaceChildren();
  const rows: [string, string | undefined][] = [
    ['Server', status?.collector],
    ['Room', status?.room],
    ['Device', status?.deviceLabel],
    ['Signed in as', status?.profileEmail],
    ['Device id', status?.deviceId],
    ['Waiting to send', status?.pending === undefined ? undefined : String(status.pending)],
    ['Last connected', status?.lastConnectedAt === undefined ? undefined : new Date(status.lastConnectedAt).toLocaleString()],
  ];
  for (const [label, value] of rows) {
    if (value === undefined || value === '') continue;
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = value;
    facts.append(dt, dd);
  }
}

byId('ext-id').textContent = chrome.runtime.id;
void chrome.storage.local.get(STORAGE.status).then((state) => render(state[STORAGE.status] as AgentStatus | undefined));
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && STORAGE.status in changes) render(changes[STORAGE.status]?.newValue as AgentStatus | undefined);
});
