import type { FastifyError, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, errorBody } from './app-error.ts';

// Stable codes for the errors Fastify itself raises (bad JSON, body too large …).
const codeForStatus: Readonly<Record<number, string>> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  406: 'not-acceptable',
  408: 'request-timeout',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited',
};

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && 'statusCode' in error && typeof error.statusCode === 'number';
}

/**
 * The one place errors become HTTP responses. AppErrors keep their code and message;
 * Fastify's own client errors (validation, parsing, limits) get a stable code from
 * their status; anything else is logged once with its stack and answered with a
 * generic 500 that leaks nothing.
 */
const errorHandlerPlugin: FastifyPluginAsync = async (app) => {
  app.setErrorHandler((error: unknown, request, reply) => {
    if (error instanceof AppError) {
      if (error.status >= 500) request.log.error({ err: error }, error.message);
      return reply.status(error.status).send(errorBody(error.code, error.message, error.details));
    }
    if (isFastifyError(error) && error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      const status = error.statusCode;
      const code = error.validation !== undefined ? 'validation-failed' : (codeForStatus[status] ?? 'bad-request');
      return reply.status(status).send(errorBody(code, error.message));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(errorBody('internal', 'Internal server error'));
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(errorBody('not-found', `No route for ${request.method} ${request.url.split('?')[0] ?? ''}`)),
  );
};

export default fp(errorHandlerPlugin, { name: 'vigil-errors', fastify: '5.x' });
