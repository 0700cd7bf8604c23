import express, { type RequestHandler } from 'express';
import { DomainError, validationError } from '../../domain/errors';
import type { BodyReader } from './route';

export const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;.*)?$/i;
const hasBody = (headers: { 'content-length'?: string; 'transfer-encoding'?: string }) =>
  Number(headers['content-length'] ?? 0) > 0 || headers['transfer-encoding'] !== undefined;

/** JSON bodies: a content type other than JSON is a 415; no body at all is `{}` (the runbook's curl commands may omit one). */
function jsonReader(limit: string | number): RequestHandler {
  const parse = express.json({ limit, strict: false });
  return (req, res, next) => {
    if (!hasBody(req.headers)) {
      req.body = {};
      next();
      return;
    }
    if (!JSON_TYPE.test(req.headers['content-type'] ?? '')) {
      next(new DomainError('UnsupportedMediaType', 'Unsupported Media Type', 'Send the body as application/json.'));
      return;
    }
    parse(req, res, next);
  };
}

/**
 * The runbook posts `curl -d '{"action": …}'` with no content type (curl then
 * says application/x-www-form-urlencoded), so this body is read as JSON text
 * whatever its declared type; text that is not JSON is still a 400.
 */
function jsonTextReader(limit: string | number): RequestHandler {
  const readText = express.text({ type: () => true, limit });
  return (req, res, next) => {
    readText(req, res, (err?: unknown) => {
      if (err) return next(err);
      const text = typeof req.body === 'string' ? req.body.trim() : '';
      try {
        req.body = text === '' ? {} : (JSON.parse(text) as unknown);
      } catch {
        return next(validationError('The body is not valid JSON.', [{ path: '(body)', message: 'must be JSON, e.g. {"action":"test_configuration"}' }]));
      }
      next();
    });
  };
}

export function readBody(reader: BodyReader, limit: string | number = '100kb'): RequestHandler {
  if (reader === 'json') return jsonReader(limit);
  if (reader === 'json-text') return jsonTextReader(limit);
  return express.raw({ type: () => true, limit });
}
