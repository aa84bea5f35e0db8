/**
 * Imports every durable function definition so that the registry is complete. Both the Azure entry
 * point (./index.ts) and the sandbox durable host import this module.
 */
import './entities/resourceLock';
import './activities/scopeWork';
import './activities/syncWork';
import './activities/saveReport';
import './activities/scopeChunks';
import './activities/syncChunk';
import './activities/dropWork';
import './orchestrations/reconcile';
import './orchestrations/batch';
import './orchestrations/drift';

export { registeredFunctions } from './registry';
