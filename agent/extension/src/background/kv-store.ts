// A small key-value store in the extension's own IndexedDB, for what content scripts must
// not read (chrome.storage.local is readable by every content script): the device secret,
// and the cached policy and word list.

const DB_NAME = 'vigil-state';
const STORE = 'kv';

let opening: Promise<IDBDatabase> | undefined;

function database(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => {
      const db = request.result;
      db.onversionchange = () => {
        db.close();
        opening = undefined;
      };
      resolve(db);
    };
    request.onerror = () => {
      opening = undefined;
      reject(new Error(`opening ${DB_NAME} failed: ${request.error?.message ?? 'unknown'}`));
    };
  });
  return opening;
}

export async function kvGet<T>(key: string): Promise<T | undefined> {
  const db = await database();
  return new Promise<T | undefined>((resolve, reject) => {
    const request = db.transaction(STORE, 'readonly').objectStore(STORE).get(key);
    request.onsuccess = () => resolve(request.result as T | undefined);
    request.onerror = () => reject(new Error(`reading ${key} failed: ${request.error?.message ?? 'unknown'}`));
  });
}

export async function kvSet(key: string, value: unknown): Promise<void> {
  const db = await database();
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
    tx.objectStore(STORE).put(value, key);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(new Error(`writing ${key} failed: ${tx.error?.message ?? 'unknown'}`));
    tx.onabort = () => reject(new Error(`writing ${key} aborted: ${tx.error?.message ?? 'unknown'}`));
  });
}

export async function kvDelete(key: string): Promise<void> {
  const db = await database();
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).delete(key);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(new Error(`deleting ${key} failed: ${tx.error?.message ?? 'unknown'}`));
  });
}
