import { removeRunFolder } from '../../libs/testing/src/run-folder';

/** jest's globalTeardown: after every suite has stopped what it started. */
export default function tearDown(): void {
  removeRunFolder();
}
