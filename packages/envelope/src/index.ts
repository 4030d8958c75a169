export { Sealer } from './seal.js'
