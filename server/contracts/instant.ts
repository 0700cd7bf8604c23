import { z } from 'zod';

/** An ISO 8601 date-time with `Z` or an offset. */
export const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

export const ISO_DATE_TIME_MESSAGE = 'must be an ISO 8601 date-time with a time zone, e.g. 2024-01-15T00:00:00Z';

/** A real date that PostgreSQL's timestamptz can hold: it has no year 0, and a query with one is a 500, not a 400. */
export const isStorableDate = (d: Date): boolean => !Number.isNaN(d.getTime()) && d.getUTCFullYear() >= 1;

/** An ISO 8601 date-time with an offset, kept as text, within PostgreSQL's range. */
export const isoDateTimeText = () =>
  z.iso.datetime({ offset: true, message: ISO_DATE_TIME_MESSAGE }).refine((v) => isStorableDate(new Date(v)), 'must not be before the year 1');
