import { useRunFolder } from '../../libs/testing/src/run-folder';

/** jest's globalSetup: runs before the workers start, so that they and their children inherit the folder. */
export default function setUp(): void {
  useRunFolder('yixin-test-run-');
}
