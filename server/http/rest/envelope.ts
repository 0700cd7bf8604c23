import { z } from 'zod';

/** A successful JSON answer is the domain's data plus `success: true` (DESIGN.md "Status codes"). */
export const okBody = <S extends z.ZodObject>(data: S) => data.extend({ success: z.literal(true) });

/** `200 { success: true, ...data }`. */
export const ok = <D extends object>(data: D) => ({ status: 200 as const, body: { success: true as const, ...data } });
