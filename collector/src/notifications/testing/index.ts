// Test kit for notifications, shared by the collector's tests and the e2e tests
// (`@vigil/collector/notifications-testing`).
export { readableMail, smtpSettingsFor, startTestSmtpServer, type ReceivedMail, type TestSmtpServer } from './test-smtp-server.ts';
export { startWebhookReceiver, type ReceivedWebhook, type TestWebhookReceiver } from './test-webhook-receiver.ts';
export { signatureHeader, verifySignature } from '../webhook-signature.ts';
