import { MemoryStorage } from '../../server/storage/memory';
import { storageContract } from './contract';

storageContract(
  'memory',
  async () => {
    const storage = new MemoryStorage();
    await storage.open();
    return { storage, cleanup: () => storage.close() };
  },
  { durable: false, shared: false, pipelined: true }
);
