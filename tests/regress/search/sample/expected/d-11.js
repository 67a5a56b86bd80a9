morgueSearch.load("d-11","i8ZRWlviy6uW8KxqoGtoSUpWtRx0OTUWAA==",2);
