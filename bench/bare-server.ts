// The ceiling of this machine's web stack: Express parsing the same JSON body and answering 202, no other work.
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.post('/api/webhooks/opal-workflow', express.json({ limit: '1mb' }), (_req, res) => {
  res.status(202).json({ success: true });
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
