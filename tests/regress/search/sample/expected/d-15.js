morgueSearch.load("d-15",{"zd":"SfTC=p+6RO!!"});
