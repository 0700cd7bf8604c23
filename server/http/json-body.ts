import express, { type RequestHandler } from 'express';
import { DomainError } from '../domain/errors';

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;.*)?$/i;
const parse = express.json({ limit: '100kb', strict: false });

/**
 * JSON bodies for the REST routes: a content type other than JSON is a 415;
 * no body at all is `{}` (the runbook's curl commands may omit one).
 */
export const jsonBody: RequestHandler = (req, res, next) => {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) {
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
