/**
 * Every capability fedlink runs, in one explicit list. The orchestrations and activities dispatch by
 * name through this registry; a new capability is one line here plus its own folder.
 */
import { dns } from './dns/capability';
import { federation } from './federation/capability';
import { privateLink } from './privatelink/capability';
import { createRegistry } from './reconcile/registry';

export const capabilities = createRegistry([federation, privateLink, dns]);
