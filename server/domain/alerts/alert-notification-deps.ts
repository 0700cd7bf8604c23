import type { Logger } from 'pino';
import type { Config } from '../../config/config';
import type { Db } from '../../db/database';

/** What posting alert notifications needs: a file of its own, so the two delivery modules need not import each other. */
export interface AlertNotificationDeps {
  db: Db;
  logger: Logger;
  config: Pick<Config, 'alertWebhookUrl' | 'baseUrl'>;
}
