// What the pupil is told: the acceptable-use notice (first run per browser profile and
// policy version) and teacher messages (in the page in front, else a system notification).
import type { MessagePayload, Policy } from '@vigil/shared/protocol';
import { STORAGE } from '../common/keys.ts';
import { kvGet, kvSet } from './kv-store.ts';
import type { ExtensionLogger } from './log.ts';

export async function applyNoticePolicy(policy: Policy, log: ExtensionLogger): Promise<void> {
  const accepted = await kvGet<string>('aupAccepted');
  const due = policy.showAupOnLogin && accepted !== policy.aupVersion;
  await chrome.storage.local.set({ [STORAGE.notice]: due ? { version: policy.aupVersion, text: policy.aupText } : null });
  if (due) log.info({ version: policy.aupVersion }, 'acceptable-use notice due');
}

export async function noticeAccepted(version: string, log: ExtensionLogger): Promise<void> {
  await kvSet('aupAccepted', version);
  await chrome.storage.local.set({ [STORAGE.notice]: null });
  log.info({ version }, 'acceptable-use notice accepted');
}

/** Shows a teacher message; resolves with where it was shown. */
export async function showTeacherMessage(
  message: MessagePayload,
  tabId: number | undefined,
  log: ExtensionLogger,
): Promise<'page' | 'notification' | 'nowhere'> {
  if (tabId !== undefined) {
    try {
      const shown: unknown = await chrome.tabs.sendMessage(
        tabId,
        { t: 'show-message', id: message.id, text: message.text, from: message.from },
        { frameId: 0 },
      );
      if (shown === true) {
        log.info({ messageId: message.id, where: 'page' }, 'teacher message shown');
        return 'page';
      }
    } catch {
      // No content script in that tab (a chrome:// page): fall back to a notification.
    }
  }
  try {
    await chrome.notifications.create(`vigil-${message.id}`, {
      type: 'basic',
      iconUrl: chrome.runtime.getURL('icons/icon-128.png'),
      title: message.from === '' ? 'Message from your teacher' : `Message from ${message.from}`,
      message: message.text,
      requireInteraction: true,
    });
    log.info({ messageId: message.id, where: 'notification' }, 'teacher message shown');
    return 'notification';
  } catch (err) {
    log.warn({ err, messageId: message.id }, 'teacher message could not be shown');
    return 'nowhere';
  }
}
