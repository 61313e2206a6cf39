// Ordinary web pages for the browser agent's tests, served on loopback: a form with an input
// and a textarea, an iframe from another origin, a contenteditable editor, a search box that
// submits like a search engine's, and two sign-in pages (by title, and by password field).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;

function pages(otherOrigin: string): Record<string, string> {
  return {
    '/homework': page(
      'History homework',
      '<h1>Homework</h1><label>Notes <input id="notes" autocomplete="off"></label><textarea id="essay" rows="6" cols="60"></textarea><p id="clicks">0</p>',
    ),
    '/framed': page('Class blog', `<h1>Blog</h1><iframe id="frame" src="${otherOrigin}/frame-inner" width="600" height="200"></iframe>`),
    '/frame-inner': page('Comment box', '<textarea id="comment" rows="4" cols="50"></textarea>'),
    '/editor': page('Shared document', '<div id="doc" contenteditable="true" style="min-height:120px;border:1px solid #999"></div>'),
    '/search': page('Search', '<form action="/results" method="get"><input id="q" name="q" type="search" autocomplete="off"><button>Search</button></form>'),
    '/results': page('Search results', '<p>No results.</p>'),
    '/sign-in': page('Sign in - School accounts', '<label>Username <input id="user"></label><label>Password <input id="pass" type="password"></label>'),
    '/account': page(
      'My account',
      '<label>New password <input id="newpass" type="password" autocomplete="new-password"></label><label>Nickname <input id="nick"></label>',
    ),
    '/plain': page('Reading list', '<p>Nothing to type here.</p>'),
  };
}

export interface TestPages {
  /** http://127.0.0.1:<port> */
  origin: string;
  /** The same server as another origin (http://localhost:<port>), for cross-origin frames. */
  otherOrigin: string;
  close(): Promise<void>;
}

export async function serveTestPages(): Promise<TestPages> {
  let routes: Record<string, string> = {};
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = routes[path];
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body ?? page('Not found', ''));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const otherOrigin = `http://localhost:${port}`;
  routes = pages(otherOrigin);
  return {
    origin,
    otherOrigin,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
