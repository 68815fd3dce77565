import './base.css';
import './extract.css';
import './health.css';
import './verify.css';
import './graph.css';
import './config.css';
import './graduate.css';
